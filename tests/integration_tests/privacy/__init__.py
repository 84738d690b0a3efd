"""The adversarial privacy suite (issue 11): personal data never reaches a cloud server, on any path."""
