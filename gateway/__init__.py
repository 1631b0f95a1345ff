"""BeatPass HTTP gateway: a thin Flask app that validates requests and calls the services over RPC."""
