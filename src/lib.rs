//! Canteen
