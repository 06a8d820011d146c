// The CRM delivery domain: see Estimation/.
