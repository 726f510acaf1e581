//! The Bevy ECS layer.
