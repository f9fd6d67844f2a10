"""The event feed: domain events of this service and of the others, read by cursor and pushed as webhooks."""
