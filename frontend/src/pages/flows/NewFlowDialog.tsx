// "New flow": key, name and stage, started blank or from the starter library's gallery.
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { ApiProblem } from "../../api/client";
import { createFlow, listTemplates } from "../../api/flows";
import { FLOW_KINDS, type FlowKind, type Template } from "../../api/types";
import { pick, useLang, useT, type MessageKey } from "../../i18n";

const KEY_PATTERN = "[a-z0-9][a-z0-9\\-]{0,62}";

function problemText(error: unknown, lang: "zh" | "en"): string {
  if (error instanceof ApiProblem && error.problems.length) {
    return error.problems.map((p) => `${p.path}: ${pick(lang, p.message_zh, p.message_en)}`).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}

function TemplateGallery({ chosen, onChoose }: { chosen: Template | null; onChoose: (t: Template | null) => void }) {
  const t = useT();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listTemplates().then(setTemplates, (e: Error) => setError(e.message));
  }, []);
  return (
    <div className="gallery" data-testid="template-gallery">
      {error && <p className="error" role="alert">{t("common.error", { detail: error })}</p>}
      <button type="button" className={`gallery-card${chosen ? "" : " chosen"}`} onClick={() => onChoose(null)} data-template="">
        <strong>{t("flows.blank")}</strong>
        <span>{t("flows.blankHint")}</span>
      </button>
      {templates.map((template) => (
        <button type="button" key={template.key} data-template={template.key} onClick={() => onChoose(template)}
          className={`gallery-card${chosen?.key === template.key ? " chosen" : ""}`}>
          <strong>{template.name}</strong>
          <span className="kind">{t(`kind.${template.kind}` as MessageKey)}</span>
          <span>{template.description}</span>
        </button>
      ))}
    </div>
  );
}

export function NewFlowDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const navigate = useNavigate();
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [kind, setKind] = useState<FlowKind>("approval");
  const [template, setTemplate] = useState<Template | null>(null);
  const [error, setError] = useState<string | null>(null);

  function choose(next: Template | null) {
    setTemplate(next);
    if (next) {
      setKind(next.kind);
      if (!name) setName(next.name);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const created = await createFlow({ key, name, kind, ...(template ? { template: template.key } : {}) });
      navigate(`/flows/${encodeURIComponent(key)}/versions/${created.version.number}/edit`);
    } catch (e) {
      setError(problemText(e, lang));
    }
  }

  return (
    <div className="dialog-backdrop">
      <form className="dialog card wide" role="dialog" aria-modal="true" aria-labelledby="new-flow-title" onSubmit={submit}>
        <h2 id="new-flow-title">{t("flows.new")}</h2>
        <div className="form-row">
          <label>{t("flows.key")}<input name="key" required pattern={KEY_PATTERN} value={key}
            onChange={(e) => setKey(e.target.value)} placeholder="high-value-approval" /></label>
          <label>{t("flows.name")}<input name="name" required value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>{t("flows.kind")}
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as FlowKind)}>
              {FLOW_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
            </select>
          </label>
        </div>
        <h3>{t("flows.startFrom")}</h3>
        <TemplateGallery chosen={template} onChoose={choose} />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary">{t("common.create")}</button>
        </div>
      </form>
    </div>
  );
}
