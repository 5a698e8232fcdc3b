/*
 * sddl.h - security descriptors: the SDDL text form (Security Descriptor
 * Definition Language, SDDL_REVISION_1) and Win32's binary self-relative
 * SECURITY_DESCRIPTOR, both to and from one structure.
 *
 * What is kept is what a service or the SCM needs: an owner, a group and
 * a DACL of allow (A) and deny (D) ACEs.  A SACL ("S:"), and ACE types
 * other than A and D (audit, object, callback, mandatory label ...), are
 * refused.  Unix identities are SIDs as Samba writes them: S-1-22-1-UID
 * a user, S-1-22-2-GID a group (docs/security.md).
 *
 * Text is printed canonically, as Windows' ConvertSecurityDescriptorTo-
 * StringSecurityDescriptor does: "O:owner G:group D:flags(ace)(ace)...",
 * a SID by its two-letter alias when it has one, rights as letters in
 * bit order (CC, DC, LC, ... then SD RC WD WO, then GA GX GW GR), or as
 * the aliases KA/KR/KW/FA/FR/FW/FX when the mask is exactly one of them,
 * or in hex ("0x...") when a bit has no letter.
 *
 * Functions return 0 or a negative errno: -EINVAL for malformed input
 * (with a sentence saying what is wrong in `why` when given), -ENOMEM.
 */
#ifndef SVC_SDDL_H
#define SVC_SDDL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* SECURITY_INFORMATION bits (winnt.h). */
#define SVC_SI_OWNER 0x1u
#define SVC_SI_GROUP 0x2u
#define SVC_SI_DACL 0x4u
#define SVC_SI_SACL 0x8u

/* SECURITY_DESCRIPTOR_CONTROL bits kept (winnt.h). */
#define SVC_SE_DACL_PRESENT 0x0004u
#define SVC_SE_DACL_AUTO_INHERIT_REQ 0x0100u   /* "AR" */
#define SVC_SE_DACL_AUTO_INHERITED 0x0400u     /* "AI" */
#define SVC_SE_DACL_PROTECTED 0x1000u          /* "P" */
#define SVC_SE_SELF_RELATIVE 0x8000u

/* ACE types and flags (winnt.h). */
#define SVC_ACE_ALLOW 0u                       /* ACCESS_ALLOWED_ACE_TYPE, "A" */
#define SVC_ACE_DENY 1u                        /* ACCESS_DENIED_ACE_TYPE, "D" */
#define SVC_ACE_OI 0x01u                       /* OBJECT_INHERIT_ACE */
#define SVC_ACE_CI 0x02u                       /* CONTAINER_INHERIT_ACE */
#define SVC_ACE_NP 0x04u                       /* NO_PROPAGATE_INHERIT_ACE */
#define SVC_ACE_IO 0x08u                       /* INHERIT_ONLY_ACE */
#define SVC_ACE_ID 0x10u                       /* INHERITED_ACE */

/* A SID holds at most 15 subauthorities (SID_MAX_SUB_AUTHORITIES). */
#define SVC_SID_MAX_SUB 15

struct svc_sid {
    uint64_t authority;             /* 48 bits: S-1-<authority>-... */
    uint8_t n_sub;
    uint32_t sub[SVC_SID_MAX_SUB];
};

struct svc_ace {
    uint8_t type;                   /* SVC_ACE_ALLOW or SVC_ACE_DENY */
    uint8_t flags;                  /* SVC_ACE_OI ... (kept, no effect on services) */
    uint32_t mask;                  /* the rights, as written (generic bits unmapped) */
    struct svc_sid sid;
};

struct svc_sd {
    uint16_t control;               /* SVC_SE_* bits */
    int has_owner, has_group;
    struct svc_sid owner, group;
    int dacl_null;                  /* "D:NO_ACCESS_CONTROL": a present, NULL DACL */
    struct svc_ace *aces;           /* the DACL (control has SVC_SE_DACL_PRESENT) */
    size_t n_aces;
};

/* The most ACEs one DACL may hold here (a binary ACL's size is 16 bits). */
#define SVC_SDDL_MAX_ACES 1024

/* Parses SDDL text into sd (zeroed first; freed with svc_sd_free, also
 * after a failure).  0, -EINVAL (why: what is wrong, when why_len > 0)
 * or -ENOMEM. */
int svc_sddl_parse(const char *text, struct svc_sd *sd, char *why, size_t why_len);

/* The canonical text of the parts of sd that `info` (SVC_SI_* bits) asks
 * for and sd has, in a new string (*out; free).  0 or -ENOMEM. */
int svc_sddl_format(const struct svc_sd *sd, uint32_t info, char **out);

/* Parses text and prints it back canonically (*out; free).  0, -EINVAL
 * (why as svc_sddl_parse) or -ENOMEM. */
int svc_sddl_canonical(const char *text, char **out, char *why, size_t why_len);

/* Win32's self-relative SECURITY_DESCRIPTOR of the parts of sd that info
 * asks for (*out malloc'd, *len its size).  0 or -ENOMEM. */
int svc_sd_to_binary(const struct svc_sd *sd, uint32_t info, uint8_t **out, size_t *len);
/* Reads a self-relative SECURITY_DESCRIPTOR of at most len bytes (every
 * offset and size is checked against len).  0, -EINVAL (not revision 1,
 * not self-relative, a part outside the buffer, an ACL or ACE of another
 * revision or type, a SACL) or -ENOMEM. */
int svc_sd_from_binary(const void *buf, size_t len, struct svc_sd *sd, char *why, size_t why_len);

/* The bytes a self-relative SECURITY_DESCRIPTOR spans, read from its
 * own header, ACL and SID sizes (Win32 passes one without a length):
 * the end of the furthest part.  0, or -EINVAL when the header is not
 * revision 1 self-relative.  The caller vouches for the bytes read. */
int svc_sd_binary_length(const void *buf, size_t *len);

void svc_sd_free(struct svc_sd *sd);

/* Parses "S-1-..." or a two-letter alias ("SY", "BA" ...) into *sid.
 * 0 or -EINVAL. */
int svc_sid_parse(const char *text, struct svc_sid *sid);
/* Two SIDs are the same SID. */
int svc_sid_equal(const struct svc_sid *a, const struct svc_sid *b);
/* The SIDs of a Unix user and group: S-1-22-1-UID, S-1-22-2-GID. */
struct svc_sid svc_sid_unix_user(uid_t uid);
struct svc_sid svc_sid_unix_group(gid_t gid);
/* The well-known SID of an alias ("SY", "BA", ...); 0 or -EINVAL. */
int svc_sid_well_known(const char *alias, struct svc_sid *sid);

#endif
