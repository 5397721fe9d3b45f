"""Sign-in: providers, OAuth flows, the loopback callback server, the credential store."""
