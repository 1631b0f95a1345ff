"""Reliable messaging on RabbitMQ: transactional outbox, topology, idempotent consumers, dead letters."""
