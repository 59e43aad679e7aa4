/*
 * gain.h - decibel/linear gain conversion shared by every kernel.
 * All functions are RT-safe and pure.
 */
#ifndef DUBSTAGE_DSP_GAIN_H
#define DUBSTAGE_DSP_GAIN_H

/* Gains at or below this are treated as silence (exactly 0 linear). */
#define GAIN_SILENCE_DB (-144.0)

/* 10^(db/20); 0 at or below GAIN_SILENCE_DB. RT-safe. */
double gain_db_to_lin(double db);

/* 20*log10(lin); GAIN_SILENCE_DB for lin <= 10^(GAIN_SILENCE_DB/20). RT-safe. */
double gain_lin_to_db(double lin);

#endif
