#include "dsp/window.h"

double
window_bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;

	/* stops once a term no longer changes the sum */
	for (int k = 1; k < 200 && term > sum * 1e-17; k++) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}
