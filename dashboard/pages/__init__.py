"""The pages of the navigator (one module per page, each with a `render()`)."""
