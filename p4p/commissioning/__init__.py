"""The commissioner's side: its sharing code, and the providers that share with it."""
