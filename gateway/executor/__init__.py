"""The compiled executor: queries compiled once per document into straight-line Python, run over
the same schema, resolvers and loaders as graphql-core, which answers whatever a plan does not cover."""
