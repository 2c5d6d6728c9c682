/**
 * @packageDocumentation
 * Model zoo: LeNet-5, ResNet, LSTM, Transformer, GAN and more, each one self-contained file loadable with PyTorch-compatible weights.
 *
 * This package is a skeleton: its public API arrives with issue #7 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
