#pragma once
// TOML model files -> ModelSpec. See models/brunel.toml for the layout and
// README.md for every key. Every problem is an InputError naming file:line,
// the field, the value and what was expected; unknown keys are errors, so a
// typo never silently falls back to a default.
#include "myelin/model_spec.hpp"
