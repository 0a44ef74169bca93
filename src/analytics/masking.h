#pragma once
// Placeholder: filled in by issue 12 (docs/analytics.md).
namespace vitrina::analytics {}
