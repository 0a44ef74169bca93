#include "analytics/conversation_metrics.h"
