//! C ABI for atlscim. See include/atlscim.h.
