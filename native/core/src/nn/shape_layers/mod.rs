//! More simple, shape and activation layers (see the files in this folder).
