/**
 * The one error type for bad input. Its message names the function, the argument, what was
 * expected and the value seen, e.g.
 * `softmaxCrossEntropy: labels[3] = 12 is outside [0, 10)`.
 */
export class SoftmaxInputError extends Error {
  /** The argument at fault, e.g. `"labels"` or `"options.reg"`. */
  readonly argument: string;
  /**
   * An error for the argument `argument` (thrown by the library; rarely built by hand).
   * @param message the whole sentence: function, argument, what was expected, the value seen.
   * @param argument the argument's path, as {@link SoftmaxInputError.argument}.
   */
  constructor(message: string, argument = '') {
    super(message);
    this.name = 'SoftmaxInputError';
    this.argument = argument;
  }
}
