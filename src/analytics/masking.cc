#include "analytics/masking.h"
