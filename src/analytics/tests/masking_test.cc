#include "analytics/masking.h"

#include <gtest/gtest.h>
