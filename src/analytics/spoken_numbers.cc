#include "analytics/spoken_numbers.h"
