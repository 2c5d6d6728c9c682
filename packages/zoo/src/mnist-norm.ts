/** The MNIST training set's pixel mean and standard deviation (of values in [0, 1]), used to normalise inputs. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
