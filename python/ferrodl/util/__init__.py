"""py4j access, Samples and Spark set-up."""
