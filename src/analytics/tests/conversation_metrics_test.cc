#include "analytics/conversation_metrics.h"

#include <gtest/gtest.h>
