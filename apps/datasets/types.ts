/** The shape every dataset loader returns. */
import type { FloatArray, Matrix } from 'softmax-wasm';

/** A labelled split: X row-major N×D, y N labels in [0, classes). */
export interface Split<A extends FloatArray = FloatArray> {
  X: Matrix<A>;
  y: Int32Array;
}

/** A classification dataset with a fixed train/test split. */
export interface Dataset<A extends FloatArray = FloatArray> {
  /** `'digits'` or `'iris'`. */
  name: string;
  /** One line on where the data comes from and how it was split and normalized. */
  description: string;
  classes: number;
  classNames: string[];
  features: number;
  train: Split<A>;
  test: Split<A>;
}

/** Options of the loaders. */
export interface LoadOptions {
  /** Float type of X. Default `'f32'`. */
  dtype?: 'f32' | 'f64';
}
