"""The web dashboard at `/`: its page and assets, the JSON it reads under /admin/dashboard, its live stream."""
