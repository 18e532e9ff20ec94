"""What every face and the control plane share at the HTTP door: requests, validation, limits."""
