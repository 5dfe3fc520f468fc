"""The reference central API server: the contract a discom integrates against."""
