// Starts Swagger UI on /api/v1/docs with the settings the page carries (no inline script).
const swaggerSettings = JSON.parse(document.getElementById("swagger-settings").textContent);
swaggerSettings.dom_id = "#swagger-ui";
swaggerSettings.presets = [SwaggerUIBundle.presets.apis];
window.ui = SwaggerUIBundle(swaggerSettings);
