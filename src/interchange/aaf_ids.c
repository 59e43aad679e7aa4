/*
 * aaf_ids.c - AAF identifiers (see aaf_ids.h) and the class hierarchy the
 * reader knows.
 *
 * Classes of the AAF Object Specification share one AUID pattern,
 * {0d010101-0101-XX00-060e2b3402060101}; the table below gives XX, the
 * reader's class and its parent, so subclass tests need no MetaDictionary
 * for the standard classes.
 */
#include <stddef.h>

#include "interchange/aaf_ids.h"

#define SMPTE_LABEL(a, b, c, e) {a, b, c, {0x06, 0x0e, 0x2b, 0x34, 0x04, 0x01, 0x01, e}}
#define TYPE_LABEL(a) {a, 0x0000, 0x0000, {0x06, 0x0e, 0x2b, 0x34, 0x01, 0x04, 0x01, 0x01}}

const struct aaf_uid AAF_DD_SOUND = SMPTE_LABEL(0x01030202, 0x0200, 0x0000, 0x01);
const struct aaf_uid AAF_DD_LEGACY_SOUND =
    {0x78e1ebe1, 0x6cef, 0x11d2, {0x80, 0x7d, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f}};
const struct aaf_uid AAF_DD_PICTURE = SMPTE_LABEL(0x01030202, 0x0100, 0x0000, 0x01);
const struct aaf_uid AAF_DD_LEGACY_PICTURE =
    {0x6f3c8ce1, 0x6cef, 0x11d2, {0x80, 0x7d, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f}};
const struct aaf_uid AAF_DD_TIMECODE = SMPTE_LABEL(0x01030201, 0x0100, 0x0000, 0x01);
const struct aaf_uid AAF_DD_LEGACY_TIMECODE =
    {0x7f275e81, 0x77e5, 0x11d2, {0x80, 0x7f, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f}};
const struct aaf_uid AAF_DD_DESCRIPTIVE = SMPTE_LABEL(0x01030201, 0x1000, 0x0000, 0x01);

#define OP_LABEL_A(a) {a, 0xfc05, 0x11d2, {0x8a, 0x29, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2}}
#define OP_LABEL_B(a) {a, 0x0968, 0x11d3, {0x8a, 0x38, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2}}
const struct aaf_uid AAF_OP_MONO_DISSOLVE = OP_LABEL_A(0x0c3bea41);
const struct aaf_uid AAF_OP_STEREO_DISSOLVE = OP_LABEL_A(0x0c3bea42);
const struct aaf_uid AAF_OP_TWOPARAM_DISSOLVE =
    {0x2311bd90, 0xb5da, 0x4285, {0xaa, 0x3a, 0x85, 0x52, 0x84, 0x87, 0x79, 0xb3}};
const struct aaf_uid AAF_OP_MONO_GAIN = OP_LABEL_B(0x9d2ea894);
const struct aaf_uid AAF_OP_STEREO_GAIN = OP_LABEL_B(0x9d2ea895);
const struct aaf_uid AAF_OP_MONO_PAN = OP_LABEL_B(0x9d2ea893);
const struct aaf_uid AAF_OP_CHANNEL_COMBINER =
    {0x6b46dd7a, 0x132d, 0x4856, {0xab, 0x21, 0x8b, 0x75, 0x1d, 0x84, 0x62, 0xec}};

#define PARAM_LABEL(a) {a, 0x2267, 0x11d3, {0x8a, 0x4c, 0x00, 0x50, 0x04, 0x0e, 0xf7, 0xd2}}
const struct aaf_uid AAF_PARAM_LEVEL = PARAM_LABEL(0xe4962320);
const struct aaf_uid AAF_PARAM_AMPLITUDE = PARAM_LABEL(0xe4962321);
const struct aaf_uid AAF_PARAM_PAN = PARAM_LABEL(0xe4962322);
const struct aaf_uid AAF_PARAM_AVID_CLIP_RATIO =
    {0x47c00f7d, 0xfb55, 0x11d3, {0x9f, 0xf7, 0x00, 0x04, 0xac, 0x96, 0x9f, 0x50}};

#define INTERP_LABEL(a) {a, 0x0ede, 0x11d3, {0x80, 0xa9, 0x00, 0x60, 0x08, 0x14, 0x3e, 0x6f}}
const struct aaf_uid AAF_INTERP_NONE = INTERP_LABEL(0x5b6c85a3);
const struct aaf_uid AAF_INTERP_LINEAR = INTERP_LABEL(0x5b6c85a4);
const struct aaf_uid AAF_INTERP_CONSTANT = INTERP_LABEL(0x5b6c85a5);
const struct aaf_uid AAF_INTERP_BSPLINE = INTERP_LABEL(0x5b6c85a6);
const struct aaf_uid AAF_INTERP_LOG =
    {0x15829ec3, 0x1f24, 0x458a, {0x96, 0x0d, 0xc6, 0x5b, 0xb2, 0x3c, 0x2a, 0xa1}};
const struct aaf_uid AAF_INTERP_POWER =
    {0xc09153f7, 0xbd18, 0x4e5a, {0xad, 0x09, 0xcb, 0xdd, 0x65, 0x4f, 0xa0, 0x01}};

const struct aaf_uid AAF_TYPE_UINT8 = TYPE_LABEL(0x01010100);
const struct aaf_uid AAF_TYPE_UINT16 = TYPE_LABEL(0x01010200);
const struct aaf_uid AAF_TYPE_UINT32 = TYPE_LABEL(0x01010300);
const struct aaf_uid AAF_TYPE_UINT64 = TYPE_LABEL(0x01010400);
const struct aaf_uid AAF_TYPE_INT8 = TYPE_LABEL(0x01010500);
const struct aaf_uid AAF_TYPE_INT16 = TYPE_LABEL(0x01010600);
const struct aaf_uid AAF_TYPE_INT32 = TYPE_LABEL(0x01010700);
const struct aaf_uid AAF_TYPE_INT64 = TYPE_LABEL(0x01010800);
const struct aaf_uid AAF_TYPE_BOOLEAN = TYPE_LABEL(0x01040100);
const struct aaf_uid AAF_TYPE_RATIONAL = TYPE_LABEL(0x03010100);
const struct aaf_uid AAF_TYPE_STRING = TYPE_LABEL(0x01100200);

const struct aaf_uid AAF_USAGE_SUBCLIP = SMPTE_LABEL(0x0d010102, 0x0101, 0x0500, 0x01);
const struct aaf_uid AAF_USAGE_ADJUSTEDCLIP = SMPTE_LABEL(0x0d010102, 0x0101, 0x0600, 0x01);
const struct aaf_uid AAF_USAGE_TOPLEVEL = SMPTE_LABEL(0x0d010102, 0x0101, 0x0700, 0x01);
const struct aaf_uid AAF_USAGE_LOWERLEVEL = SMPTE_LABEL(0x0d010102, 0x0101, 0x0800, 0x01);
const struct aaf_uid AAF_USAGE_TEMPLATE = SMPTE_LABEL(0x0d010102, 0x0101, 0x0900, 0x01);
const struct aaf_uid AAF_OP_PATTERN_EDIT_PROTOCOL = SMPTE_LABEL(0x0d011201, 0x0100, 0x0000, 0x05);

static const struct {
	uint8_t xx;              /* the XX of {0d010101-0101-XX00-...} */
	enum aaf_class cls, parent;
	const char *name;
} classes[] = {
	{0x01, AAF_C_INTERCHANGE, AAF_C_UNKNOWN, "InterchangeObject"},
	{0x02, AAF_C_COMPONENT, AAF_C_INTERCHANGE, "Component"},
	{0x03, AAF_C_SEGMENT, AAF_C_COMPONENT, "Segment"},
	{0x04, AAF_C_EDGECODE, AAF_C_SEGMENT, "EdgeCode"},
	{0x05, AAF_C_ESSENCEGROUP, AAF_C_SEGMENT, "EssenceGroup"},
	{0x06, AAF_C_EVENT, AAF_C_SEGMENT, "Event"},
	{0x07, AAF_C_GPITRIGGER, AAF_C_EVENT, "GPITrigger"},
	{0x08, AAF_C_COMMENTMARKER, AAF_C_EVENT, "CommentMarker"},
	{0x09, AAF_C_FILLER, AAF_C_SEGMENT, "Filler"},
	{0x0a, AAF_C_OPGROUP, AAF_C_SEGMENT, "OperationGroup"},
	{0x0b, AAF_C_NESTEDSCOPE, AAF_C_SEGMENT, "NestedScope"},
	{0x0c, AAF_C_PULLDOWN, AAF_C_SEGMENT, "Pulldown"},
	{0x0d, AAF_C_SCOPEREF, AAF_C_SEGMENT, "ScopeReference"},
	{0x0e, AAF_C_SELECTOR, AAF_C_SEGMENT, "Selector"},
	{0x0f, AAF_C_SEQUENCE, AAF_C_SEGMENT, "Sequence"},
	{0x10, AAF_C_SOURCEREF, AAF_C_SEGMENT, "SourceReference"},
	{0x11, AAF_C_SOURCECLIP, AAF_C_SOURCEREF, "SourceClip"},
	{0x12, AAF_C_TEXTCLIP, AAF_C_SOURCEREF, "TextClip"},
	{0x14, AAF_C_TIMECODE, AAF_C_SEGMENT, "Timecode"},
	{0x15, AAF_C_TIMECODESTREAM, AAF_C_SEGMENT, "TimecodeStream"},
	{0x17, AAF_C_TRANSITION, AAF_C_COMPONENT, "Transition"},
	{0x18, AAF_C_CONTENTSTORAGE, AAF_C_INTERCHANGE, "ContentStorage"},
	{0x19, AAF_C_CONTROLPOINT, AAF_C_INTERCHANGE, "ControlPoint"},
	{0x1a, AAF_C_DEFOBJECT, AAF_C_INTERCHANGE, "DefinitionObject"},
	{0x22, AAF_C_DICTIONARY, AAF_C_INTERCHANGE, "Dictionary"},
	{0x23, AAF_C_ESSENCEDATA, AAF_C_INTERCHANGE, "EssenceData"},
	{0x24, AAF_C_ESSDESC, AAF_C_INTERCHANGE, "EssenceDescriptor"},
	{0x25, AAF_C_FILEDESC, AAF_C_ESSDESC, "FileDescriptor"},
	{0x26, AAF_C_AIFCDESC, AAF_C_FILEDESC, "AIFCDescriptor"},
	{0x27, AAF_C_DIGIMAGEDESC, AAF_C_FILEDESC, "DigitalImageDescriptor"},
	{0x28, AAF_C_DIGIMAGEDESC, AAF_C_FILEDESC, "CDCIDescriptor"},
	{0x29, AAF_C_DIGIMAGEDESC, AAF_C_FILEDESC, "RGBADescriptor"},
	{0x2c, AAF_C_WAVEDESC, AAF_C_FILEDESC, "WAVEDescriptor"},
	{0x2e, AAF_C_TAPEDESC, AAF_C_ESSDESC, "TapeDescriptor"},
	{0x2f, AAF_C_HEADER, AAF_C_INTERCHANGE, "Header"},
	{0x30, AAF_C_IDENTIFICATION, AAF_C_INTERCHANGE, "Identification"},
	{0x31, AAF_C_LOCATOR, AAF_C_INTERCHANGE, "Locator"},
	{0x32, AAF_C_NETLOCATOR, AAF_C_LOCATOR, "NetworkLocator"},
	{0x33, AAF_C_TEXTLOCATOR, AAF_C_LOCATOR, "TextLocator"},
	{0x34, AAF_C_MOB, AAF_C_INTERCHANGE, "Mob"},
	{0x35, AAF_C_COMPMOB, AAF_C_MOB, "CompositionMob"},
	{0x36, AAF_C_MASTERMOB, AAF_C_MOB, "MasterMob"},
	{0x37, AAF_C_SOURCEMOB, AAF_C_MOB, "SourceMob"},
	{0x38, AAF_C_MOBSLOT, AAF_C_INTERCHANGE, "MobSlot"},
	{0x39, AAF_C_EVENTSLOT, AAF_C_MOBSLOT, "EventMobSlot"},
	{0x3a, AAF_C_STATICSLOT, AAF_C_MOBSLOT, "StaticMobSlot"},
	{0x3b, AAF_C_TIMELINESLOT, AAF_C_MOBSLOT, "TimelineMobSlot"},
	{0x3c, AAF_C_PARAMETER, AAF_C_INTERCHANGE, "Parameter"},
	{0x3d, AAF_C_CONSTVALUE, AAF_C_PARAMETER, "ConstantValue"},
	{0x3e, AAF_C_VARYVALUE, AAF_C_PARAMETER, "VaryingValue"},
	{0x3f, AAF_C_TAGGEDVALUE, AAF_C_INTERCHANGE, "TaggedValue"},
	{0x40, AAF_C_KLVDATA, AAF_C_INTERCHANGE, "KLVData"},
	{0x41, AAF_C_DESCMARKER, AAF_C_COMMENTMARKER, "DescriptiveMarker"},
	{0x42, AAF_C_SOUNDDESC, AAF_C_FILEDESC, "SoundDescriptor"},
	{0x44, AAF_C_MULTIDESC, AAF_C_FILEDESC, "MultipleDescriptor"},
	{0x48, AAF_C_PCMDESC, AAF_C_SOUNDDESC, "PCMDescriptor"},
	{0x49, AAF_C_PHYSDESC, AAF_C_ESSDESC, "PhysicalDescriptor"},
	{0x4a, AAF_C_IMPORTDESC, AAF_C_PHYSDESC, "ImportDescriptor"},
};

static const struct aaf_uid class_base =
    {0x0d010101, 0x0101, 0x0000, {0x06, 0x0e, 0x2b, 0x34, 0x02, 0x06, 0x01, 0x01}};

enum aaf_class
aaf_class_of(const struct aaf_uid *cls)
{
	struct aaf_uid u = *cls;

	if ((u.d3 & 0xff) != 0)
		return AAF_C_UNKNOWN;
	u.d3 = 0;
	if (!aaf_uid_eq(&u, &class_base))
		return AAF_C_UNKNOWN;
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (classes[i].xx == cls->d3 >> 8)
			return classes[i].cls;
	return AAF_C_UNKNOWN;
}

enum aaf_class
aaf_class_parent(enum aaf_class c)
{
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (classes[i].cls == c)
			return classes[i].parent;
	return AAF_C_UNKNOWN;
}

const char *
aaf_class_name(enum aaf_class c)
{
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (classes[i].cls == c)
			return classes[i].name;
	return "unknown class";
}
