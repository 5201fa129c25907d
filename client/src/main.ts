// The client's entry: mounts the app that picks a screen from the path.
import { mount } from 'svelte';
import App from './App.svelte';
import './global.css';

mount(App, { target: document.getElementById('app')! });
