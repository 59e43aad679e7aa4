/*
 * live_jack.c - the live engine's JACK client: open, ports, callbacks,
 * connections, and close. Control thread, except the small callbacks at
 * the top, which JACK calls from its own threads and which only store
 * atomics.
 */
#include "engine/live_internal.h"

#include <stdio.h>
#include <string.h>

static int
on_xrun(void *arg)
{
	struct live *e = arg;

	atomic_fetch_add_explicit(&e->xruns, 1, memory_order_relaxed);
	return 0;
}

static int
on_buffer_size(jack_nframes_t n, void *arg)
{
	struct live *e = arg;

	/* the engine renders any period in chunks of its block size, so a
	 * new period size needs nothing but a note */
	atomic_store(&e->buffer_frames, (int)n);
	return 0;
}

static int
on_sample_rate(jack_nframes_t rate, void *arg)
{
	struct live *e = arg;

	atomic_store(&e->server_rate, (int)rate);
	return 0;
}

static void
on_freewheel(int starting, void *arg)
{
	struct live *e = arg;

	atomic_store(&e->freewheel, starting != 0);
}

/*
 * Latency: the engine adds none of its own (it renders in the period it is
 * asked for), so its outputs' capture latency is zero. Their playback
 * latency, which JACK computes from what they connect to, is how late what
 * is rendered now reaches the speakers: kept for the status.
 */
static void
on_latency(jack_latency_callback_mode_t mode, void *arg)
{
	struct live *e = arg;
	jack_latency_range_t r, zero = { 0, 0 };
	uint32_t most = 0;

	for (int i = 0; i < e->port_count; i++) {
		if (mode == JackCaptureLatency) {
			jack_port_set_latency_range(e->ports[i], JackCaptureLatency,
			    &zero);
		} else {
			jack_port_get_latency_range(e->ports[i], JackPlaybackLatency,
			    &r);
			if (r.max > most)
				most = r.max;
		}
	}
	if (mode == JackPlaybackLatency)
		atomic_store(&e->latency_frames, most);
}

static void
on_shutdown(jack_status_t code, const char *reason, void *arg)
{
	struct live *e = arg;

	(void)code;
	(void)reason;
	atomic_store(&e->server_gone, true);
}

/* Connects the main outputs, in order, to the physical playback ports. */
static void
connect_outputs(struct live *e)
{
	const char **phys = jack_get_ports(e->client, NULL,
	    JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsInput);

	for (int i = 0; phys != NULL && phys[i] != NULL && i < e->out_channels;
	    i++)
		jack_connect(e->client, jack_port_name(e->ports[i]), phys[i]);
	jack_free(phys);
}

int
live_jack_open(struct live *e, struct diag *d)
{
	jack_status_t status = 0;
	jack_options_t flags = JackNoStartServer | JackServerName;
	int rate;

	e->client = jack_client_open(e->client_name, flags, &status,
	    e->server_name);
	if (e->client == NULL)
		return diag_set(d, ERR_IO, NULL, 0, "no JACK server '%s' is "
		    "running (status 0x%x)", e->server_name, (unsigned)status);
	rate = (int)jack_get_sample_rate(e->client);
	atomic_store(&e->server_rate, rate);
	atomic_store(&e->buffer_frames, (int)jack_get_buffer_size(e->client));
	if (rate != e->sample_rate_hz) {
		jack_client_close(e->client);
		e->client = NULL;
		return diag_set(d, ERR_IO, NULL, 0, "the session runs at %d Hz "
		    "but JACK server '%s' at %d Hz: restart the server at %d Hz "
		    "(dubstage does not resample playback)", e->sample_rate_hz,
		    e->server_name, rate, e->sample_rate_hz);
	}
	jack_set_process_callback(e->client, live_rt_process, e);
	jack_set_xrun_callback(e->client, on_xrun, e);
	jack_set_buffer_size_callback(e->client, on_buffer_size, e);
	jack_set_sample_rate_callback(e->client, on_sample_rate, e);
	jack_set_freewheel_callback(e->client, on_freewheel, e);
	jack_set_latency_callback(e->client, on_latency, e);
	jack_on_info_shutdown(e->client, on_shutdown, e);
	if (e->opt.transport != LIVE_TRANSPORT_OWN)
		jack_set_sync_callback(e->client, live_rt_sync, e);

	e->port_count = 0;
	for (int i = 0; i < e->out_channels + e->stem_port_count; i++) {
		e->ports[i] = jack_port_register(e->client, e->port_names[i],
		    JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		if (e->ports[i] == NULL) {
			live_jack_close(e);
			return diag_set(d, ERR_IO, NULL, 0, "cannot register JACK "
			    "port '%s'", e->port_names[i]);
		}
		e->port_count++;
	}
	if (jack_activate(e->client) != 0) {
		live_jack_close(e);
		return diag_set(d, ERR_IO, NULL, 0, "cannot activate the JACK "
		    "client");
	}
	if (e->opt.connect)
		connect_outputs(e);
	atomic_store(&e->server_gone, false);
	return 0;
}

void
live_jack_close(struct live *e)
{
	if (e->client == NULL)
		return;
	if (!atomic_load(&e->server_gone))
		jack_deactivate(e->client);
	jack_client_close(e->client);
	e->client = NULL;
	e->port_count = 0;
	atomic_store(&e->freewheel, false);
}
