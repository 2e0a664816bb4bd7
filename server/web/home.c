/* The public front page. */
#include "web/web.h"

void web_home(http_req_t *req)
{
	web_render(req, 200, "home",
	           json_pack("{s:s}", "title", "Jawność — dostęp do informacji publicznej"));
}
