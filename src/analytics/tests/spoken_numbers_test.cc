#include "analytics/spoken_numbers.h"

#include <gtest/gtest.h>
