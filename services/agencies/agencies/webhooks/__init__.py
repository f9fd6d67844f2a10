"""Webhook endpoints, their signed deliveries with retries, and the worker that makes them."""
