"""The SendAPI face under /sendapi/v1: SendAPI's WhatsApp routes, error bodies, limits and signed webhooks."""
