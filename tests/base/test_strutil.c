/* Strict number parsing and lossless double formatting. */
#include "test.h"

#include "base/error.h"
#include "base/path.h"
#include "base/strutil.h"

int
main(void)
{
	int64_t v;
	int i;
	double d;
	bool b;
	char buf[40];
	char *p;
	const double samples[] = { 0.1, -3.0000000000000004, 1e-300, 123456789.125,
	    -144.0, 1.0 / 3.0, 5e-324, 1.7976931348623157e308 };

	CHECK_INT_EQ(str_to_i64("172800000", &v), 0);
	CHECK_INT_EQ(v, 172800000);
	CHECK_INT_EQ(str_to_i64("-5", &v), 0);
	CHECK_INT_EQ(v, -5);
	CHECK_INT_EQ(str_to_i64("", &v), ERR_PARSE);
	CHECK_INT_EQ(str_to_i64(" 5", &v), ERR_PARSE);
	CHECK_INT_EQ(str_to_i64("5 ", &v), ERR_PARSE);
	CHECK_INT_EQ(str_to_i64("5x", &v), ERR_PARSE);
	CHECK_INT_EQ(str_to_i64("0x10", &v), ERR_PARSE);
	CHECK_INT_EQ(str_to_i64("99999999999999999999", &v), ERR_INVALID);
	CHECK_INT_EQ(str_to_int("48000", 8000, 768000, &i), 0);
	CHECK_INT_EQ(str_to_int("7999", 8000, 768000, &i), ERR_INVALID);
	CHECK_INT_EQ(str_to_double("-3.5", &d), 0);
	CHECK_NEAR(d, -3.5, 0);
	CHECK_INT_EQ(str_to_double("inf", &d), ERR_INVALID);
	CHECK_INT_EQ(str_to_double("nan", &d), ERR_INVALID);
	CHECK_INT_EQ(str_to_double("1e999", &d), ERR_INVALID);
	CHECK_INT_EQ(str_to_double("1.5dB", &d), ERR_PARSE);
	CHECK_INT_EQ(str_to_bool("true", &b), 0);
	CHECK(b);
	CHECK_INT_EQ(str_to_bool("0", &b), 0);
	CHECK(!b);
	CHECK_INT_EQ(str_to_bool("yes", &b), ERR_PARSE);

	for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++) {
		str_from_double(samples[k], buf, sizeof buf);
		CHECK_INT_EQ(str_to_double(buf, &d), 0);
		CHECK(d == samples[k]);
	}
	str_from_double(0.1, buf, sizeof buf);
	CHECK_STR_EQ(buf, "0.1");
	str_from_double(-0.0, buf, sizeof buf);
	CHECK_STR_EQ(buf, "0");

	p = path_dirname("a/b/c.wav");
	CHECK_STR_EQ(p, "a/b");
	free(p);
	p = path_dirname("c.wav");
	CHECK_STR_EQ(p, ".");
	free(p);
	p = path_resolve("/s/demo", "media/a.wav");
	CHECK_STR_EQ(p, "/s/demo/media/a.wav");
	free(p);
	p = path_resolve("/s/demo", "/abs/a.wav");
	CHECK_STR_EQ(p, "/abs/a.wav");
	free(p);
	CHECK_STR_EQ(path_basename("x/y/z.dubstage"), "z.dubstage");
	return test_report();
}
