/* The JSON writer: structure, escaping, invalid UTF-8, numbers. */
#include "test.h"

#include "base/json.h"

static char *
render(void (*fn)(struct json *))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	struct json j;

	json_init(&j, f);
	fn(&j);
	json_finish(&j);
	fclose(f);
	return buf;
}

static void
nested(struct json *j)
{
	json_object_begin(j);
	json_key(j, "a");
	json_int(j, -5);
	json_key(j, "list");
	json_array_begin(j);
	json_double(j, 0.1);
	json_bool(j, true);
	json_null(j);
	json_string(j, NULL);
	json_array_end(j);
	json_key(j, "empty");
	json_object_begin(j);
	json_object_end(j);
	json_key(j, "nan");
	json_double(j, NAN);
	json_object_end(j);
}

static void
escapes(struct json *j)
{
	json_string(j, "q\"b\\n\n\t\x01 caf\xc3\xa9 \xff end");
}

int
main(void)
{
	CHECK_STR_EQ(render(nested),
	    "{\n  \"a\": -5,\n  \"list\": [\n    0.1,\n    true,\n    null,\n"
	    "    null\n  ],\n  \"empty\": {},\n  \"nan\": null\n}\n");
	/* quotes, backslashes, control characters escaped; valid UTF-8 kept;
	 * an invalid byte replaced by U+FFFD */
	CHECK_STR_EQ(render(escapes),
	    "\"q\\\"b\\\\n\\n\\t\\u0001 caf\xc3\xa9 \xef\xbf\xbd end\"\n");
	return test_report();
}
