//! Analysis of recorded activity (placeholder until the sequence analysis lands).
