"""The Wasend face under /wasend: the Wasend SDK's routes and models, WAHA-style statuses and webhooks."""
