/* handlers.h - every handler named in the route table, by file. */
#ifndef BF_HANDLERS_H
#define BF_HANDLERS_H

#include "http.h"

/* home.c */
int home_page(struct req *r);
int healthz(struct req *r);

/* login.c */
int login_form(struct req *r);
int login_submit(struct req *r);
int logout_submit(struct req *r);

/* audit.c */
int audit_list(struct req *r);

/* user.c */
int users_list(struct req *r);
int user_new_form(struct req *r);
int user_create(struct req *r);
int user_edit_form(struct req *r);
int user_update(struct req *r);
int user_password_reset(struct req *r);

/* district.c */
int districts_list(struct req *r);
int district_create(struct req *r);
int district_update(struct req *r);

#endif
