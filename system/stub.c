/* Keeps a per-target library non-empty while its target has no sources. */
static const int machina_stub __attribute__((used)) = 0;
