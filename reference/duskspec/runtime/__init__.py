"""The runtime layer: state transition, transactions and the WebAssembly VM (``vm/``)."""
