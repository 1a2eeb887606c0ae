/* check — level and confidence names; see check.h. */
#include "check.h"

#include <errno.h>
#include <string.h>

const char *check_level_name(enum v6scan_level level)
{
	switch (level) {
	case V6SCAN_ERROR: return "error";
	case V6SCAN_WARNING: return "warning";
	default: return "note";
	}
}

int check_level_parse(const char *s, enum v6scan_level *out)
{
	if (strcmp(s, "error") == 0)
		*out = V6SCAN_ERROR;
	else if (strcmp(s, "warning") == 0)
		*out = V6SCAN_WARNING;
	else if (strcmp(s, "note") == 0)
		*out = V6SCAN_NOTE;
	else
		return -EINVAL;
	return 0;
}

const char *check_confidence_name(enum v6scan_confidence c)
{
	switch (c) {
	case V6SCAN_CONF_HIGH: return "high";
	case V6SCAN_CONF_MEDIUM: return "medium";
	default: return "low";
	}
}

int check_confidence_parse(const char *s, enum v6scan_confidence *out)
{
	if (strcmp(s, "high") == 0)
		*out = V6SCAN_CONF_HIGH;
	else if (strcmp(s, "medium") == 0)
		*out = V6SCAN_CONF_MEDIUM;
	else if (strcmp(s, "low") == 0)
		*out = V6SCAN_CONF_LOW;
	else
		return -EINVAL;
	return 0;
}
