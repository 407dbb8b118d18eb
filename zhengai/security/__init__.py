"""Authentication (bearer JWTs) and the role policy of the service."""
