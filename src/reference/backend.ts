/**
 * The reference Backend: plain TypeScript, all math in float64, one file per kernel family as in
 * assembly/. Arguments arrive validated and normalized from src/api.ts; every output exists.
 */
import type { Backend } from '../backend.js';
import { softmaxCrossEntropy } from './cross_entropy.js';
import { linearScores } from './linear_scores.js';
import { linearSoftmaxLoss } from './linear_softmax.js';
import { logSoftmax, softmax } from './softmax.js';
import { softmaxBackward, softmaxJacobian } from './softmax_backward.js';
import * as logits from './logits.js';
import { nllLoss } from './nll_loss.js';
import { crossEntropyAxis, softmaxAxis } from './axis.js';

export const referenceBackend: Backend = {
  softmax,
  logSoftmax,
  softmaxBackward,
  softmaxJacobian,
  softmaxCrossEntropy,
  linearSoftmaxLoss,
  linearScores: (X, W, bias, out) => { linearScores(X, W, bias, out); },
  softmaxTemperature: logits.softmaxTemperature,
  logSoftmaxTemperature: logits.logSoftmaxTemperature,
  logSumExp: logits.logSumExp,
  argmax: logits.argmax,
  topK: logits.topK,
  sample: logits.sample,
  logSoftmaxBackward: logits.logSoftmaxBackward,
  nllLoss,
  softmaxAxis,
  crossEntropyAxis,
};
