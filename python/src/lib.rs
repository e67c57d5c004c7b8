//! Python bindings for atlscim (module atlscim._native).
