#include "dsp/gain.h"

#include <math.h>

double
gain_db_to_lin(double db)
{
	if (db <= GAIN_SILENCE_DB)
		return 0.0;
	return pow(10.0, db / 20.0);
}

double
gain_lin_to_db(double lin)
{
	double db;

	if (!(lin > 0.0))
		return GAIN_SILENCE_DB;
	db = 20.0 * log10(lin);
	return db < GAIN_SILENCE_DB ? GAIN_SILENCE_DB : db;
}
