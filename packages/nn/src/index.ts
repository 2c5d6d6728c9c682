/**
 * @packageDocumentation
 * Neural-network modules with PyTorch's names and parameter layouts, so
 * PyTorch checkpoints load by key. Importing it also enables autograd.
 */
export { ModuleDict, ModuleList, Sequential, type UnaryModule } from './containers';
export { bilinearForm } from './functional';
export * from './layers/activation';
export * from './layers/attention';
export * from './layers/conv';
export * from './layers/dropout';
export * from './layers/embedding';
export * as init from './layers/init';
export * from './layers/linear';
export * from './layers/normalization';
export * from './layers/pooling';
export * from './layers/regularization';
export { GRU, LSTM, type LSTMResult, RNN, type RNNBaseOptions, type RNNOptions, type RNNResult } from './layers/rnn';
export {
  GRUCell,
  LSTMCell,
  type LSTMState,
  type LSTMStateInput,
  RNNCell,
  type RNNCellBaseOptions,
  type RNNCellOptions,
  type RNNNonlinearity,
} from './layers/rnn-cells';
export {
  type EncoderLayerLike,
  generateSquareSubsequentMask,
  type LayerSource,
  type TransformerActivation,
  TransformerEncoder,
  type TransformerEncoderForwardOptions,
  TransformerEncoderLayer,
  type TransformerEncoderLayerForwardOptions,
  type TransformerEncoderOptions,
  type TransformerLayerOptions,
} from './layers/transformer';
export {
  type DecoderLayerLike,
  TransformerDecoder,
  type TransformerDecoderForwardOptions,
  TransformerDecoderLayer,
  type TransformerDecoderOptions,
} from './layers/transformer-decoder';
export * from './losses';
export * from './losses-functional';
export { type LoadStateDictOptions, type LoadStateDictResult, Module, type StateDict, StateDictError } from './module';
export { isParameter, parameter } from './parameter';
export { loadModule, saveModule } from './serialize';
