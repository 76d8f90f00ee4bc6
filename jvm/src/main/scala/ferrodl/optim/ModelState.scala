package ferrodl.optim

/**
 * What the driver broadcasts to the executors: the flat weights and the flat non-trainable
 * state (running statistics), as one object so tasks fetch it once.
 */
final case class ModelState(weights: Array[Float], buffers: Array[Float])
