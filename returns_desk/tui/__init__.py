"""The Textual desk: screens call services and render what they return."""
