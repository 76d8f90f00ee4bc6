package ferrodl.nn

/** A container that runs its modules in order, each fed the previous one's output. */
class Sequential extends Container

object Sequential {
  def apply(): Sequential = new Sequential()
}
